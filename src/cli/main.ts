/**
 * The command line's entry point: `lixiang <command>` (src/cli/commands.ts). A failure, expected or
 * not, is one line on stderr and a non-zero exit code (src/cli/failures.ts).
 */
import { run } from './commands.js';
import { reportFailure } from './failures.js';

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    // Nothing is left to do; a timer or handle left open by the failed command must not keep the
    // process waiting (stderr is written synchronously to files, pipes and terminals on Linux).
    process.exit(reportFailure(error, (text) => process.stderr.write(text)));
  },
);
