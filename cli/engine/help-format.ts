/** Junos text conventions shared by every command: help lists, caret lines. */

export interface HelpItem {
  readonly name: string;
  readonly help: string;
  /** Column-0 marker in configuration help: `>` has sub-statements, `+` takes several values. */
  readonly marker?: '>' | '+';
}

/** One `Possible completions:` row: name from column 2, help from column 23 (or after two spaces). */
export function helpRow(item: HelpItem): string {
  return `${item.marker ?? ' '} ${item.name.padEnd(19)}  ${item.help}`.trimEnd();
}

export function possibleCompletions(items: readonly HelpItem[]): string[] {
  return ['Possible completions:', ...items.map(helpRow)];
}

/** The caret line that points at column `at` of what the user typed after a prompt of `promptWidth`. */
export function caretLine(promptWidth: number, at: number): string {
  return `${' '.repeat(promptWidth + at)}^`;
}

export const ENTER_ITEM: HelpItem = { name: '<[Enter]>', help: 'Execute this command' };
export const PIPE_ITEM: HelpItem = { name: '|', help: 'Pipe through a command' };
