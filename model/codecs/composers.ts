/** MusicNet's ten composers, lower-case; the index order is part of the model's vocabulary. */
export const COMPOSERS = ['bach', 'beethoven', 'brahms', 'cambini', 'dvorak', 'faure', 'haydn', 'mozart', 'ravel', 'schubert'] as const;
export type Composer = (typeof COMPOSERS)[number];

/** How a composer's name is written for people (requests use the lower-case ASCII names). */
const COMPOSER_LABELS: Readonly<Partial<Record<Composer, string>>> = { dvorak: 'Dvořák', faure: 'Fauré' };

export function composerLabel(name: string): string {
  return COMPOSER_LABELS[name as Composer] ?? `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`;
}
