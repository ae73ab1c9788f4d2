/** A Routing Engine daemon that `show system processes` lists and `restart` can restart. */
export interface DaemonProcess {
  readonly name: string;
  /** Command line as `ps` shows it. */
  readonly command: string;
  /** The `restart` keyword that targets it. */
  readonly restartKeyword: string;
  readonly restartHelp: string;
  /** Used in "<title> started, pid N". */
  readonly title: string;
}
