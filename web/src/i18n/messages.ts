// Every string the UI shows goes through this table. Each entry carries both languages side by side so a
// missing translation is a type error, not a blank on screen. Words follow /work/shared/GLOSSARY.md.
// Placeholders look like {name} and are filled by t(key, { name }).

export const messages = {
  // App shell
  'app.name': { zh: '协同', en: 'Xietong' },
  'app.subtitle': { zh: '石家庄市京津冀协同发展平台', en: 'Shijiazhuang · Beijing–Tianjin–Hebei coordinated development' },
  'app.skip': { zh: '跳到主要内容', en: 'Skip to main content' },
  'app.footer': {
    zh: '协同 · 服务石家庄市落实京津冀协同发展规划的开放平台',
    en: 'Xietong · open platform for Shijiazhuang’s part of the Beijing–Tianjin–Hebei coordinated-development plan',
  },
  'lang.switch': { zh: 'English', en: '中文' },
  'lang.switch.aria': { zh: 'Switch the interface to English', en: '将界面切换为中文' },

  // Navigation
  'nav.aria': { zh: '主导航', en: 'Main navigation' },
  'nav.overview': { zh: '概览', en: 'Overview' },
  'nav.goals': { zh: '规划目标', en: 'Goals' },
  'nav.projects': { zh: '重点项目', en: 'Key projects' },
  'nav.transport': { zh: '交通', en: 'Transport' },
  'nav.ecology': { zh: '生态环境', en: 'Ecology' },
  'nav.industry': { zh: '产业协同', en: 'Industry' },
  'nav.services': { zh: '公共服务', en: 'Public services' },
  'nav.platforms': { zh: '承接平台', en: 'Undertaking platforms' },
  'nav.audit': { zh: '审计日志', en: 'Audit log' },

  // Token / identity
  'token.label': { zh: '登录令牌', en: 'API token' },
  'token.placeholder': { zh: '粘贴令牌', en: 'Paste a token' },
  'token.apply': { zh: '使用', en: 'Use' },
  'token.clear': { zh: '退出', en: 'Sign out' },
  'token.show': { zh: '显示令牌', en: 'Show token' },
  'token.hide': { zh: '隐藏令牌', en: 'Hide token' },
  'token.showShort': { zh: '显示', en: 'Show' },
  'token.hideShort': { zh: '隐藏', en: 'Hide' },
  'token.anonymous': { zh: '未登录（公众访问）', en: 'Not signed in (public access)' },
  'token.checking': { zh: '正在验证令牌…', en: 'Checking token…' },
  'token.invalid': { zh: '令牌无效或已过期', en: 'Token invalid or expired' },
  'token.error': { zh: '无法验证令牌：{detail}', en: 'Could not check the token: {detail}' },
  'token.role': { zh: '角色：{role}', en: 'Role: {role}' },
  'token.scope.all': { zh: '范围：全部', en: 'Scope: all' },
  'token.scope': { zh: '范围：{scope}', en: 'Scope: {scope}' },
  'role.admin': { zh: '管理员', en: 'administrator' },
  'role.editor': { zh: '编辑', en: 'editor' },
  'role.viewer': { zh: '查看者', en: 'viewer' },

  // Generic
  'common.loading': { zh: '正在加载…', en: 'Loading…' },
  'common.retry': { zh: '重试', en: 'Retry' },
  'common.none': { zh: '—', en: '—' },
  'common.all': { zh: '全部', en: 'All' },
  'common.filter': { zh: '筛选', en: 'Filter' },
  'common.apply': { zh: '应用筛选', en: 'Apply filters' },
  'common.reset': { zh: '清除筛选', en: 'Clear filters' },
  'common.back': { zh: '返回', en: 'Back' },
  'common.total': { zh: '共 {n} 条', en: '{n} in total' },
  'common.showing': { zh: '第 {from}–{to} 条，共 {total} 条', en: '{from}–{to} of {total}' },
  'common.prev': { zh: '上一页', en: 'Previous' },
  'common.next': { zh: '下一页', en: 'Next' },
  'common.empty': { zh: '没有符合条件的记录。', en: 'No records match.' },
  'common.comingSoon': { zh: '建设中', en: 'In development' },

  // Errors
  'error.title': { zh: '出错了', en: 'Something went wrong' },
  'error.network': { zh: '无法连接服务器，请检查网络后重试。', en: 'Cannot reach the server. Check the connection and try again.' },
  'error.401': { zh: '需要有效的登录令牌。请在页面顶部填写令牌。', en: 'A valid API token is required. Enter it at the top of the page.' },
  'error.403': { zh: '您的角色或权限范围不允许此操作。', en: 'Your role or scope does not allow this action.' },
  'error.404': { zh: '未找到请求的内容。', en: 'The requested item was not found.' },
  'error.409': {
    zh: '该项目已被他人修改。请重新加载最新版本后再编辑。',
    en: 'Someone else changed this project. Reload the latest version and edit again.',
  },
  'error.422': { zh: '提交的内容有误，请检查标注的字段。', en: 'Some fields are invalid; see the marked fields.' },
  'error.generic': { zh: '服务器返回错误（{status}）。', en: 'The server returned an error ({status}).' },
  'error.badResponse': { zh: '服务器返回了无法识别的内容。', en: 'The server sent a response the page could not read.' },

  // Page not found
  'notFound.title': { zh: '页面不存在', en: 'Page not found' },
  'notFound.body': { zh: '请从左侧导航选择页面。', en: 'Choose a page from the navigation.' },

  // Overview
  'overview.title': { zh: '概览', en: 'Overview' },
  'overview.lead': {
    zh: '以石家庄为中心，围绕交通互联互通、生态环境联防联控、产业协同、公共服务共建共享和承接平台建设，跟踪京津冀协同发展规划的落实情况。',
    en: 'With Shijiazhuang at the centre, the platform follows the plan’s delivery in transport interconnection, joint ecological protection, industrial synergy, shared public services and undertaking platforms.',
  },
  'overview.map.title': { zh: '京津冀区域', en: 'Beijing–Tianjin–Hebei region' },
  'overview.map.caption': {
    zh: '示意图：边界与位置为近似值，不作为行政区划依据。石家庄为中心城市。',
    en: 'Schematic map: boundaries and positions are approximate and not an authoritative administrative map. Shijiazhuang is the centre.',
  },
  'overview.projects.title': { zh: '重点项目进度', en: 'Key project progress' },
  'overview.projects.link': { zh: '查看全部重点项目', en: 'See all key projects' },
  'overview.projects.count': { zh: '重点项目共 {n} 个', en: '{n} key projects' },
  'overview.indicators.title': { zh: '规划目标与指标', en: 'Goals and indicators' },
  'overview.indicators.summary': {
    zh: '{goals} 个目标，{indicators} 项指标，其中 {measured} 项已有测量值。',
    en: '{goals} goals, {indicators} indicators, {measured} of them measured.',
  },
  'overview.indicators.link': { zh: '查看规划目标', en: 'See the goals' },
  'overview.pillars.title': { zh: '重点领域', en: 'Pillars' },
  'overview.pillar.goals': { zh: '{n} 个目标', en: '{n} goals' },

  // Goals
  'goals.title': { zh: '规划目标', en: 'Goals' },
  'goals.lead': {
    zh: '按重点领域列出规划的目标及其指标。指标数值由各计算引擎根据平台数据得出；尚无数据的指标标为“尚未测量”。',
    en: 'The plan’s goals by pillar, with their indicators. Values come from the platform’s engines; indicators without data are marked “not yet measured”.',
  },
  'goals.pillarNav': { zh: '重点领域', en: 'Pillars' },
  'goals.noGoals': { zh: '该领域尚未录入目标。', en: 'No goals recorded for this pillar yet.' },
  'goals.noIndicators': { zh: '该目标尚未设定指标。', en: 'No indicators defined for this goal yet.' },
  'goals.sourceQuote': { zh: '规划原文', en: 'Plan text' },
  'goals.sourceQuoteEn': { zh: '规划原文（英文译本）', en: 'Plan text (English translation)' },
  'goals.col.indicator': { zh: '指标', en: 'Indicator' },
  'goals.col.unit': { zh: '单位', en: 'Unit' },
  'goals.col.target': { zh: '目标值', en: 'Target' },
  'goals.col.direction': { zh: '方向', en: 'Direction' },
  'goals.col.engine': { zh: '计算引擎', en: 'Engine' },
  'goals.col.value': { zh: '当前值', en: 'Current value' },
  'goals.notMeasured': { zh: '尚未测量', en: 'not yet measured' },
  'goals.measuredAt': { zh: '测量于 {at}', en: 'measured {at}' },
  'direction.increase': { zh: '提高', en: 'increase' },
  'direction.decrease': { zh: '降低', en: 'decrease' },
  'direction.maintain': { zh: '保持', en: 'maintain' },
  'direction.achieve': { zh: '实现', en: 'achieve' },

  // Projects
  'projects.title': { zh: '重点项目', en: 'Key projects' },
  'projects.lead': {
    zh: '规划重点项目清单及其推进情况。红黄绿灯根据节点计划与实际完成情况的偏差自动得出。',
    en: 'The plan’s key projects and their progress. The status light is derived from the slippage between the milestone schedule and what is done.',
  },
  'projects.filter.category': { zh: '类别', en: 'Category' },
  'projects.filter.city': { zh: '城市', en: 'City' },
  'projects.filter.status': { zh: '状态', en: 'Status' },
  'projects.filter.light': { zh: '红黄绿灯', en: 'Status light' },
  'projects.col.number': { zh: '编号', en: 'No.' },
  'projects.col.name': { zh: '项目名称', en: 'Project' },
  'projects.col.category': { zh: '类别', en: 'Category' },
  'projects.col.city': { zh: '城市', en: 'City' },
  'projects.col.department': { zh: '责任部门', en: 'Owner department' },
  'projects.col.status': { zh: '状态', en: 'Status' },
  'projects.col.light': { zh: '红黄绿灯', en: 'Status light' },
  'projects.col.progress': { zh: '计划 / 实际进度', en: 'Planned / actual' },
  'projects.col.updated': { zh: '更新时间', en: 'Updated' },
  'projects.empty': { zh: '没有符合筛选条件的重点项目。', en: 'No key projects match the filters.' },

  'status.not_started': { zh: '未开始', en: 'not started' },
  'status.on_track': { zh: '按计划推进', en: 'on track' },
  'status.at_risk': { zh: '存在风险', en: 'at risk' },
  'status.off_track': { zh: '滞后', en: 'off track' },
  'status.done': { zh: '已完成', en: 'done' },

  'light.green': { zh: '绿灯', en: 'green' },
  'light.yellow': { zh: '黄灯', en: 'yellow' },
  'light.red': { zh: '红灯', en: 'red' },
  'light.none': { zh: '无进度计划', en: 'no schedule' },
  'light.behind': { zh: '落后 {n} 个百分点', en: '{n} points behind' },

  // Project detail
  'project.back': { zh: '返回重点项目列表', en: 'Back to key projects' },
  'project.description': { zh: '项目简介', en: 'Description' },
  'project.facts': { zh: '基本信息', en: 'Facts' },
  'project.number': { zh: '编号', en: 'Number' },
  'project.category': { zh: '类别', en: 'Category' },
  'project.city': { zh: '城市', en: 'City' },
  'project.department': { zh: '责任部门', en: 'Owner department' },
  'project.status': { zh: '状态', en: 'Status' },
  'project.light': { zh: '红黄绿灯', en: 'Status light' },
  'project.lightReason': { zh: '判定依据', en: 'Reason' },
  'project.planned': { zh: '计划进度', en: 'Planned progress' },
  'project.actual': { zh: '实际进度', en: 'Actual progress' },
  'project.note': { zh: '备注', en: 'Note' },
  'project.version': { zh: '版本', en: 'Version' },
  'project.updated': { zh: '更新时间', en: 'Updated' },
  'project.milestones': { zh: '里程碑', en: 'Milestones' },
  'project.noMilestones': { zh: '尚未设定里程碑。', en: 'No milestones set yet.' },
  'project.ms.order': { zh: '序号', en: '#' },
  'project.ms.name': { zh: '节点名称', en: 'Milestone' },
  'project.ms.planned': { zh: '计划日期', en: 'Planned date' },
  'project.ms.done': { zh: '完成日期', en: 'Done date' },
  'project.ms.weight': { zh: '权重', en: 'Weight' },
  'project.ms.open': { zh: '未完成', en: 'open' },
  'project.edit': { zh: '编辑', en: 'Edit' },
  'project.auditLink': { zh: '查看该项目的审计记录', en: 'See this project’s audit records' },
  'project.saved': { zh: '已保存。', en: 'Saved.' },
  'project.reload': { zh: '重新加载', en: 'Reload' },

  // Project edit form
  'edit.title': { zh: '编辑重点项目', en: 'Edit key project' },
  'edit.status': { zh: '状态', en: 'Status' },
  'edit.milestones': { zh: '里程碑', en: 'Milestones' },
  'edit.ms.legend': { zh: '里程碑 {n}', en: 'Milestone {n}' },
  'edit.ms.nameZh': { zh: '名称（中文）', en: 'Name (Chinese)' },
  'edit.ms.nameEn': { zh: '名称（英文）', en: 'Name (English)' },
  'edit.ms.planned': { zh: '计划日期', en: 'Planned date' },
  'edit.ms.done': { zh: '完成日期', en: 'Done date' },
  'edit.ms.remove': { zh: '删除此节点', en: 'Remove milestone' },
  'edit.ms.add': { zh: '添加里程碑', en: 'Add milestone' },
  'edit.ms.up': { zh: '上移', en: 'Move up' },
  'edit.ms.down': { zh: '下移', en: 'Move down' },
  'edit.save': { zh: '保存', en: 'Save' },
  'edit.saving': { zh: '正在保存…', en: 'Saving…' },
  'edit.cancel': { zh: '取消', en: 'Cancel' },
  'edit.otherErrors': { zh: '其他问题：', en: 'Other problems:' },
  'edit.noChanges': { zh: '没有修改。', en: 'Nothing changed.' },

  // Audit
  'audit.title': { zh: '审计日志', en: 'Audit log' },
  'audit.lead': {
    zh: '记录每一次新增、修改和删除：谁、何时、改了什么。仅管理员可查看。',
    en: 'Every create, update and delete: who, when, and what changed. Administrators only.',
  },
  'audit.adminOnly': {
    zh: '审计日志仅对管理员开放。请在页面顶部填写管理员令牌。',
    en: 'The audit log is for administrators only. Enter an administrator token at the top of the page.',
  },
  'audit.filter.entityType': { zh: '对象类型', en: 'Entity type' },
  'audit.filter.entityId': { zh: '对象编号', en: 'Entity ID' },
  'audit.filter.actor': { zh: '操作人', en: 'Actor' },
  'audit.filter.action': { zh: '操作', en: 'Action' },
  'audit.filter.from': { zh: '起始日期', en: 'From' },
  'audit.filter.to': { zh: '截止日期', en: 'To' },
  'audit.col.at': { zh: '时间', en: 'Time' },
  'audit.col.actor': { zh: '操作人', en: 'Actor' },
  'audit.col.action': { zh: '操作', en: 'Action' },
  'audit.col.entity': { zh: '对象', en: 'Entity' },
  'audit.col.changes': { zh: '变更', en: 'Changes' },
  'audit.show': { zh: '查看变更', en: 'Show changes' },
  'audit.hide': { zh: '收起', en: 'Hide' },
  'audit.diff.field': { zh: '字段', en: 'Field' },
  'audit.diff.before': { zh: '修改前', en: 'Before' },
  'audit.diff.after': { zh: '修改后', en: 'After' },
  'audit.diff.none': { zh: '无字段变化。', en: 'No field changed.' },
  'audit.diff.empty': { zh: '（无）', en: '(none)' },
  'action.create': { zh: '新增', en: 'create' },
  'action.update': { zh: '修改', en: 'update' },
  'action.delete': { zh: '删除', en: 'delete' },

  // Map
  'map.aria': { zh: '京津冀区域示意图', en: 'Schematic map of the Beijing–Tianjin–Hebei region' },
  'map.loading': { zh: '正在加载地图…', en: 'Loading map…' },
  'map.centre': { zh: '中心城市', en: 'centre' },
  'map.legend.centre': { zh: '中心城市（{name}）', en: 'Centre ({name})' },
  'map.legend.city': { zh: '城市', en: 'City' },
  'map.legend.context': { zh: '周边省份', en: 'Neighbouring provinces' },

  // Coming-soon pages
  'coming.badge': { zh: '建设中', en: 'In development' },
  'coming.intro': {
    zh: '本页面对应的功能正在开发，尚无数据。以下是依据规划确定的建设内容：',
    en: 'This part of the platform is being built and has no data yet. What it will do, as set out by the plan:',
  },
  'coming.planBasis': { zh: '规划依据', en: 'From the plan' },
  'coming.goalsLink': { zh: '查看规划目标与指标', en: 'See the plan’s goals and indicators' },

  'transport.title': { zh: '交通', en: 'Transport' },
  'transport.basis': {
    zh: '构建以石家庄为中心、连接京津冀主要城市和周边省会的“1.5小时交通圈”；推进“一票到底”和联程运输。',
    en: 'Build a “1.5-hour traffic circle” centred on Shijiazhuang, linking the major cities of Beijing–Tianjin–Hebei and the surrounding provincial capitals; promote through transport and through tickets.',
  },
  'transport.f1': {
    zh: '区域路网：汇入各运营主体的 GTFS 数据源，形成统一的车站、站台与步行换乘网络。',
    en: 'Regional network: each operator’s GTFS feed merged into one network of stations, stops and walking transfers.',
  },
  'transport.f2': {
    zh: '行程规划：跨运营主体的行程查询，列出每个行程段与换乘。',
    en: 'Journey planning across operators, with every leg and transfer.',
  },
  'transport.f3': {
    zh: '1.5小时交通圈与等时圈：计算从石家庄出发 90 分钟内可达的城市，并在地图上显示。',
    en: '1.5-hour traffic circle and isochrones: the cities reachable from Shijiazhuang within 90 minutes, drawn on the map.',
  },
  'transport.f4': {
    zh: '情景方案：在基准路网上增减线路或班次，比较对交通圈的影响（如石雄城际、津石铁路）。',
    en: 'Scenarios: add or change lines and services on the baseline network and compare the effect on the circle (e.g. the Shijiazhuang–Xiong’an intercity, Tianjin–Shijiazhuang railway).',
  },
  'transport.f5': {
    zh: '一票到底与清分结算：联程票定价及运营主体之间的票款清分。',
    en: 'Through tickets and clearing and settlement: pricing a multi-operator journey and sharing the fare revenue.',
  },

  'ecology.title': { zh: '生态环境', en: 'Ecology' },
  'ecology.basis': {
    zh: '巩固京津冀生态协同治理成果，科学实施重污染天气应急管控，禁止“一刀切”；加快滹沱河生态修复，提升重要水功能区水质；推进排污权、碳排放权交易。',
    en: 'Consolidate joint ecological management; manage heavy-pollution weather scientifically, without “one size fits all”; restore the Hutuo River and improve the water class of important water functional areas; promote emission-rights and carbon trading.',
  },
  'ecology.air': { zh: '大气', en: 'Air' },
  'ecology.water': { zh: '水', en: 'Water' },
  'ecology.f1': {
    zh: '监测站点（国控点）小时数据接入，按 HJ 633 计算空气质量分指数、空气质量指数、首要污染物和空气质量级别。',
    en: 'Hourly data from monitoring stations, with IAQI, AQI, primary pollutant and AQI level computed per HJ 633.',
  },
  'ecology.f2': {
    zh: '重污染天气预警（黄/橙/红）与区域联动：一地发布预警时通知其他城市。',
    en: 'Heavy-pollution warnings (yellow/orange/red) and regional linkage: a warning in one city notifies the others.',
  },
  'ecology.f3': {
    zh: '应急减排方案：按企业绩效分级（A/B/C/D、引领性、保障类）对应预警级别的减排措施，避免“一刀切”。',
    en: 'Emergency reduction plans: measures per enterprise by performance grade (A/B/C/D, leading, essential) for each warning level, avoiding “one size fits all”.',
  },
  'ecology.f4': {
    zh: '水质监测断面：按 GB 3838-2002 判定水质类别（Ⅰ–Ⅴ、劣Ⅴ），对照水功能区目标，跟踪滹沱河生态修复。',
    en: 'Water monitoring sections: water class (I–V, worse than V) per GB 3838-2002 against each water functional area’s target, following the Hutuo River restoration.',
  },
  'ecology.f5': {
    zh: '排污权与碳排放权交易：配额登记与交易记录。',
    en: 'Emission-rights and carbon trading: allowances and their trades.',
  },

  'industry.title': { zh: '产业协同', en: 'Industry' },
  'industry.basis': {
    zh: '深度参与京津冀产业链分工，培育“研发总部＋生产基地”的跨区域高新技术产业集群，承接京津商务金融、科技服务、总部经济、文化创意、健康养老等功能外溢。',
    en: 'Take part in the regional division of industrial chains, grow cross-regional high-tech clusters of “R&D headquarters + manufacturing base”, and take on business, finance, technology services, headquarters, cultural and elderly-care functions spilling over from Beijing and Tianjin.',
  },
  'industry.f1': {
    zh: '产业链图谱：京津冀各城市在重点产业链中的分工与缺口。',
    en: 'Industrial chain map: which city does what in each key chain, and where the gaps are.',
  },
  'industry.f2': {
    zh: '项目对接：京津外溢企业与承接地之间的匹配。',
    en: 'Matching: enterprises moving out of Beijing and Tianjin matched with receiving locations.',
  },
  'industry.f3': {
    zh: '文化旅游协同：跨区域特色旅游线路与品牌。',
    en: 'Cultural tourism: cross-regional tourist routes and brands.',
  },

  'services.title': { zh: '公共服务', en: 'Public services' },
  'services.basis': {
    zh: '对接京津优质教育资源，推进与京津医疗机构合作共建，创新区域分级诊疗和远程医疗，推动公共文化体育互惠共享。',
    en: 'Connect with quality education resources in Beijing and Tianjin, cooperate with their medical institutions, innovate regional tiered diagnosis and telemedicine, and share public culture and sports.',
  },
  'services.f1': {
    zh: '教育：京津高校和中小学在石家庄设立的校区、分校及共建学科。',
    en: 'Education: campuses and branches of Beijing and Tianjin universities and schools in Shijiazhuang, and jointly built disciplines.',
  },
  'services.f2': {
    zh: '医疗：合作医疗机构、分级诊疗与远程医疗服务的覆盖情况。',
    en: 'Health: partner hospitals, tiered diagnosis and the reach of telemedicine.',
  },
  'services.f3': {
    zh: '文化体育：博物馆、图书馆、美术馆和体育场馆联盟的互惠共享。',
    en: 'Culture and sports: reciprocal access through alliances of museums, libraries, galleries and stadiums.',
  },

  'platforms.title': { zh: '承接平台', en: 'Undertaking platforms' },
  'platforms.basis': {
    zh: '提升正定新区、石家庄高新区、石家庄经开区等省级重点承接平台承载能力，加快鹿泉经济开发区、装备制造产业园等市级承接平台建设。',
    en: 'Raise the capacity of provincial key undertaking platforms such as Zhengding New District, Shijiazhuang High-tech Zone and Shijiazhuang Economic Development Zone, and build municipal ones such as Luquan Economic Development Zone and the Equipment Manufacturing Industrial Park.',
  },
  'platforms.f1': {
    zh: '承接平台名录：位置、级别、主导产业与承载能力。',
    en: 'Register of undertaking platforms: location, level, lead industries and capacity.',
  },
  'platforms.f2': {
    zh: '承接项目：已落地和在谈的京津转移项目及其进度。',
    en: 'Relocated projects: projects from Beijing and Tianjin that have landed or are under negotiation, and their progress.',
  },
  'platforms.f3': {
    zh: '重大项目：京石协同创新示范园、石家庄国际生命科学创新园等建设进度（见重点项目）。',
    en: 'Major projects such as the Beijing–Shijiazhuang Collaborative Innovation Demonstration Park and the Shijiazhuang International Life Science Innovation Park (see Key projects).',
  },
} as const satisfies Record<string, { zh: string; en: string }>;

export type MessageKey = keyof typeof messages;
