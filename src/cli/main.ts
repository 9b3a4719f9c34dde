import { Command } from 'commander';
import { registerPlan } from './plan';
import { registerCalendar } from './calendar';
import { registerMail } from './mail';
import { registerWhen } from './when';
import { registerUp } from './up';
import { registerStart } from './start';
import { registerStatus } from './status';
import { registerReport } from './report';
import { registerAdmin } from './admin';
import { registerSimulate } from './simulate';

/** The `dondoc` command line; each area registers its own commands. */
export function buildProgram(): Command {
  const program = new Command('dondoc')
    .description('Đôn đốc: theo dõi, nhắc hạn và tổng hợp báo cáo các nhiệm vụ của kế hoạch')
    .showHelpAfterError()
    .exitOverride();
  registerWhen(program);
  registerPlan(program);
  registerCalendar(program);
  registerMail(program);
  registerUp(program);
  registerStart(program);
  registerStatus(program);
  registerReport(program);
  registerAdmin(program);
  registerSimulate(program);
  return program;
}

/** Parses `argv` and runs the command; exits non-zero with a message instead of a stack trace. */
export async function run(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    if (typeof code === 'number') process.exit(code);
    console.error(`dondoc: ${(err as Error).message}`);
    process.exit(1);
  }
}

if (require.main === module) void run(process.argv);
