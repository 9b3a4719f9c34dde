import { Command } from 'commander';

/** One top-level command: listed from this table, its module loaded only when it runs. */
interface LazyCommand {
  name: string;
  /** The line `dondoc --help` lists; the same as the description the module registers. */
  summary: string;
  load: () => Promise<(program: Command) => void>;
}

/** Every `dondoc` command, in the order `dondoc --help` lists them. */
export const commands: readonly LazyCommand[] = [
  {
    name: 'when',
    summary: 'Đọc một biểu thức thời gian và liệt kê các hạn trong khoảng thời gian (mặc định: năm nay)',
    load: async () => (await import('./when')).registerWhen,
  },
  {
    name: 'holidays',
    summary: 'Lịch nghỉ lễ, Tết (plans/holidays): đối chiếu với bộ dữ liệu python-holidays, sinh lại tệp',
    load: async () => (await import('./holidays')).registerHolidays,
  },
  {
    name: 'plan',
    summary: 'Kế hoạch: nhập từ văn bản, kiểm tra, xem',
    load: async () => (await import('./plan')).registerPlan,
  },
  {
    name: 'calendar',
    summary: 'Lịch các hạn và lần nhắc của một kế hoạch, theo từng cơ quan (in ra, JSON hoặc iCalendar)',
    load: async () => (await import('./calendar')).registerCalendar,
  },
  {
    name: 'mail',
    summary: 'Thư điện tử: hộp thư thử nghiệm và nhật ký gửi thư',
    load: async () => (await import('./mail')).registerMail,
  },
  {
    name: 'up',
    summary:
      'Chạy toàn bộ hệ thống trên máy này: máy chủ Temporal, hộp thư thử nghiệm, worker và mọi kế hoạch trong plans/',
    load: async () => (await import('./up')).registerUp,
  },
  {
    name: 'web',
    summary: 'Chạy riêng máy chủ web (trang nộp báo cáo, bảng điều hành, API), không có worker',
    load: async () => (await import('./web')).registerWeb,
  },
  {
    name: 'inbound',
    summary: 'Nhận thư trả lời của các cơ quan (máy chủ SMTP, hoặc đọc hộp thư IMAP) và ghi nhận thành báo cáo',
    load: async () => (await import('./inbound')).registerInbound,
  },
  {
    name: 'start',
    summary: 'Kiểm tra kế hoạch và khởi động (hoặc tiếp tục) theo dõi trên máy chủ Temporal (TEMPORAL_ADDRESS)',
    load: async () => (await import('./start')).registerStart,
  },
  {
    name: 'status',
    summary: 'Tình hình các nhiệm vụ đang theo dõi: kỳ hiện tại, hạn, ai đã báo cáo, ai quá hạn, lần nhắc tới',
    load: async () => (await import('./status')).registerStatus,
  },
  {
    name: 'report',
    summary: 'Báo cáo của các cơ quan',
    load: async () => (await import('./report')).registerReport,
  },
  {
    name: 'admin',
    summary: 'Điều hành nhiệm vụ: gia hạn, tạm dừng, tiếp tục, đóng kỳ, đổi địa chỉ nhận, nhắc lại, hủy',
    load: async () => (await import('./admin')).registerAdmin,
  },
  {
    name: 'user',
    summary: 'Tài khoản đăng nhập trang web: thêm, đổi mật khẩu, xóa, liệt kê',
    load: async () => (await import('./user')).registerUser,
  },
  {
    name: 'token',
    summary: 'Mã truy cập API cho máy khách: tạo, liệt kê, thu hồi',
    load: async () => (await import('./token')).registerToken,
  },
  {
    name: 'simulate',
    summary: 'Chạy thử kế hoạch trên máy chủ Temporal tua nhanh thời gian và in dòng thời gian thư, báo cáo, đôn đốc',
    load: async () => (await import('./simulate')).registerSimulate,
  },
];

function program(): Command {
  return new Command('dondoc')
    .description('Đôn đốc: theo dõi, nhắc hạn và tổng hợp báo cáo các nhiệm vụ của kế hoạch')
    .showHelpAfterError()
    .exitOverride();
}

/**
 * The `dondoc` command line. Each command is a placeholder that, when run, loads its module, registers the real
 * command on a program of its own and hands it the arguments: `dondoc --help` and `dondoc when` load no Temporal,
 * database or document code.
 */
export function buildProgram(): Command {
  const top = program();
  const runReal = async (command: LazyCommand, args: string[]) => {
    const real = program();
    (await command.load())(real);
    await real.parseAsync([command.name, ...args], { from: 'user' });
  };
  for (const command of commands) {
    top
      .command(command.name)
      .description(command.summary)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .action((_options: unknown, placeholder: Command) => runReal(command, placeholder.args));
  }
  // Commander's own help command would print a placeholder's help.
  top.helpCommand(false);
  top
    .command('help [command]')
    .description('display help for command')
    .action(async (name?: string) => {
      const command = commands.find((c) => c.name === name);
      if (command) await runReal(command, ['--help']);
      else top.help({ error: name !== undefined });
    });
  return top;
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
