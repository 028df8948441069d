/**
 * Simplified Chinese: the source catalogue. Every other locale must have exactly these keys
 * (enforced by the type of en.ts). Placeholders are written {name}.
 */
export const zhCN = {
  'app.title': '关爱收银台',
  'app.subtitle': 'CareTill',
  'nav.diagnostics': '系统信息',
  'nav.language': '语言',
  'lang.zh-CN': '中文',
  'lang.en': 'English',

  'status.cashier': '收银员',
  'status.cashier.none': '未登录',
  'status.connection': '网络',
  'status.connection.not_enrolled': '未注册到项目',
  'status.connection.online': '在线',
  'status.connection.offline': '离线',
  'status.printer': '打印机',
  'status.printer.not_configured': '未设置',
  'status.printer.ready': '就绪',
  'status.printer.error': '故障',
  'status.pending': '待上传',
  'status.pending.count': '{count} 条',

  'diag.title': '系统信息',
  'diag.intro': '出现问题时，请把本页信息告诉项目方的技术支持。',
  'diag.appVersion': '软件版本',
  'diag.host': '运行方式',
  'diag.host.electron': '桌面应用（Electron）',
  'diag.host.node-host': '浏览器模式（本机 Node 服务）',
  'diag.host.direct': '直接调用（测试）',
  'diag.dataDir': '数据目录',
  'diag.databasePath': '数据库文件',
  'diag.schemaVersion': '数据库结构版本',
  'diag.platform': '操作系统',
  'diag.runtime': '运行环境',
  'diag.connection': '联网状态',
  'diag.startedAt': '启动时间',
  'diag.refresh': '刷新',
  'common.loading': '正在加载…',
  'common.retry': '重试',

  'error.unauthorized': '访问口令无效。请关闭本页，重新打开启动时显示的网址。',
  'error.unknown_method': '收银台版本不一致，请重新启动关爱收银台。',
  'error.validation': '输入有误：{field}。请检查后重试。',
  'error.bad_request': '请求格式有误，请重试；如反复出现请联系技术支持。',
  'error.internal': '系统内部错误，操作未完成。请重试；如反复出现请联系技术支持。',
  'error.db_locked': '数据文件正被另一个关爱收银台使用。请先关闭另一个窗口或程序，再重新启动。',
  'error.db_corrupt': '数据文件已损坏，无法打开。请不要删除数据目录，联系技术支持从备份恢复。',
  'error.db_from_future': '数据文件来自更新版本的关爱收银台（结构版本 {found}，本版本支持到 {supported}）。请安装最新版本后再打开。',
  'error.db_unwritable': '无法写入数据目录 {dir}。请检查磁盘空间和文件夹权限。',
  'error.forbidden': '您没有执行此操作的权限，请让店主操作。',
  'error.not_logged_in': '请先登录。',
  'error.unreachable': '连接不到收银台服务。请确认关爱收银台仍在运行，然后点“重试”。',
} as const;

export type MessageKey = keyof typeof zhCN;
