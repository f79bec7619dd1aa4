// Process entry: run the CLI (default command "serve" is chosen by the npm start script) and exit
// with its code, except while a server is running: then signals decide when the process ends.
import { runCli } from './cli/program.ts';

const code = await runCli(process.argv);
if (code !== 0) process.exit(code);
