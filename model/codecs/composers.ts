/** MusicNet's ten composers, lower-case; the index order is part of the model's vocabulary. */
export const COMPOSERS = ['bach', 'beethoven', 'brahms', 'cambini', 'dvorak', 'faure', 'haydn', 'mozart', 'ravel', 'schubert'] as const;
export type Composer = (typeof COMPOSERS)[number];
