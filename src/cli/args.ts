/** Splits `-c FILE` / `--configFile=FILE` from the other arguments (which are static-config flags). */
export function takeConfigFile(args: string[]): { configFile?: string; rest: string[]; help: boolean } {
  const rest: string[] = [];
  let configFile: string | undefined;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const inline = /^--?(?:c|configfile)=(.*)$/i.exec(arg);
    if (inline) configFile = inline[1];
    else if (/^(-c|--configfile)$/i.test(arg)) configFile = args[++i];
    else if (arg === '-h' || arg === '--help') help = true;
    else rest.push(arg);
  }
  return { configFile, rest, help };
}
