/** Reports how far a long piece of work has got; the CLI draws it, libraries only call it. */
export type ProgressCallback = (done: number, total: number, label: string) => void;

export const ignoreProgress: ProgressCallback = () => {};
