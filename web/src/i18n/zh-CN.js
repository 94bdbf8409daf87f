// zh-CN.js - the interface in Chinese (the first language of Kehu). Field
// and entity names come from the metadata, not from here.
export default {
  app: { name: '客户', fullName: '客户关系管理系统', slogan: '客户关系管理 · 教学实践平台' },
  common: {
    colon: '：', count: '（{n}）', space: '',
    ok: '确定', cancel: '取消', save: '保存', saving: '正在保存…', edit: '编辑', delete: '删除',
    restore: '恢复', create: '新建', search: '查询', reset: '重置', close: '关闭', back: '返回',
    loading: '正在加载…', noData: '暂无数据', yes: '是', no: '否', all: '全部', actions: '操作',
    confirm: '请确认', refresh: '刷新', more: '更多', add: '添加', remove: '移除', moveUp: '上移',
    required: '必填', total: '共 {n} 条', selected: '已选 {n} 条', export: '导出',
    exportCsv: '导出 CSV', exportXlsx: '导出 Excel', backHome: '返回首页',
  },
  login: {
    title: '用户登录', username: '用户名', password: '密码', submit: '登 录',
    usernameRequired: '请输入用户名', passwordRequired: '请输入密码',
    expired: '登录已过期，请重新登录', signedOut: '您已安全退出',
    failed: '登录失败', welcome: '欢迎使用',
  },
  menu: {
    workbench: '工作台', home: '首页', search: '搜索结果', recycleBin: '回收站',
    settings: '系统设置', fields: '字段与字典', collapse: '收起菜单', expand: '展开菜单',
  },
  topbar: {
    searchPlaceholder: '搜索客户、联系人…（名称、电话、拼音首字母）', searchAll: '查看“{q}”的全部结果',
    changePassword: '修改密码', language: '语言', signOut: '退出', admin: '管理员',
  },
  password: {
    title: '修改密码', old: '原密码', new: '新密码', confirm: '确认新密码',
    mismatch: '两次输入的新密码不一致', changed: '密码已修改，其他设备上的登录已失效',
    tooShort: '新密码至少 8 位',
  },
  home: {
    welcome: '{name}，您好', today: '今天是 {date}', counts: '数据概览', recent: '最近更新',
    distribution: '{entity}分布（按{field}）', unset: '未填写', shortcuts: '快捷入口',
    newRecord: '新建{entity}',
  },
  list: {
    quickSearch: '输入名称、电话或拼音首字母搜索', advanced: '高级查询', hideAdvanced: '收起查询',
    columns: '显示列', columnsTip: '选择列表中显示的列', massUpdate: '批量修改', massDelete: '批量删除',
    exportSelected: '导出所选', exportAll: '导出全部', initialAll: '全部', initialOther: '其他',
    deleteConfirm: '确定删除所选的 {n} 条记录吗？删除后可在回收站中恢复。',
    deleted: '已删除 {n} 条记录，可在回收站恢复', addCondition: '添加查询条件',
    from: '起', to: '止', min: '最小值', max: '最大值', mine: '我负责的', any: '不限',
    startDate: '开始日期', endDate: '结束日期', resetColumns: '恢复默认列',
    empty: '还没有{entity}', emptyFiltered: '没有符合条件的记录',
  },
  mass: {
    title: '批量修改 {n} 条记录', field: '修改字段', value: '新的值', chooseField: '请选择字段',
    done: '已修改 {n} 条记录', partial: '{ok} 条已修改，{fail} 条失败：{msg}',
  },
  detail: {
    info: '详细资料', history: '修改记录', related: '相关信息', system: '系统信息',
    deleteConfirm: '确定删除“{name}”吗？删除后可在回收站中恢复。', deleted: '已移入回收站',
    restored: '已恢复', notFound: '记录不存在，或已被删除', newRelated: '新建',
    relatedCount: '{label}（{n}）',
  },
  history: {
    create: '创建了记录', update: '修改了', delete: '删除了记录', restore: '恢复了记录',
    empty: '暂无修改记录', from: '由', to: '改为', emptyValue: '（空）',
  },
  form: {
    createTitle: '新建{entity}', editTitle: '编辑{entity}', saved: '保存成功', created: '已创建',
    fixErrors: '请检查标红的字段', unsavedTitle: '放弃修改？', unsaved: '您有尚未保存的修改，确定离开吗？',
    leave: '离开', stay: '继续编辑', conflict: '该记录已被他人修改，已为您加载最新内容，请重新修改后保存。',
    linkPlaceholder: '输入名称搜索', selectPlaceholder: '请选择', inputPlaceholder: '请输入',
    similar: '已有 {n} 个相似的名称：',
    datePlaceholder: '选择日期', datetimePlaceholder: '选择日期时间', shortcut: '按 Ctrl+Enter 保存',
  },
  reason: {
    required: '不能为空', unknown: '未知字段', read_only: '不能修改', invalid_type: '类型不正确',
    invalid_format: '格式不正确', too_long: '内容过长', not_an_option: '不是有效选项',
    out_of_range: '超出范围', too_many_decimals: '小数位数过多', not_found: '关联记录不存在',
    duplicate: '已存在相同的值',
  },
  recycle: {
    title: '回收站', tip: '删除的记录保存在这里，恢复后回到原来的列表。', restoreSelected: '恢复所选',
    restored: '已恢复 {n} 条记录', deletedAt: '删除时间', empty: '回收站是空的',
  },
  search: { title: '全局搜索', results: '“{q}”的搜索结果', none: '没有找到与“{q}”相关的记录', hint: '请输入搜索内容' },
  admin: {
    fieldsTitle: '字段与字典', fieldsTip: '为业务对象添加自定义字段，维护下拉选项（字典）。新字段立即出现在表单和列表中。',
    entity: '业务对象', addField: '新增字段', editOptions: '编辑选项', fieldName: '字段名',
    fieldNameTip: '小写字母、数字和下划线，保存后自动加前缀 cf_', labelZh: '中文名称', labelEn: '英文名称',
    type: '字段类型', required: '必填', custom: '自定义', system: '系统', builtin: '标准',
    options: '下拉选项', optionValue: '选项值', active: '启用', maxLength: '最大长度', scale: '小数位数',
    linkEntity: '关联对象', fieldAdded: '字段“{label}”已添加', optionsSaved: '选项已保存',
    optionsTitle: '编辑“{label}”的选项', addOption: '添加选项', noOptions: '至少需要一个选项',
    nameInvalid: '只能使用小写字母、数字和下划线，以字母开头', source: '来源',
    optionValueInvalid: '选项值不能为空且不能重复',
  },
  types: {
    text: '单行文本', longtext: '多行文本', integer: '整数', decimal: '小数', money: '金额', percent: '百分比',
    date: '日期', datetime: '日期时间', boolean: '是/否', picklist: '下拉单选', multipicklist: '下拉多选',
    email: '电子邮件', phone: '电话', url: '网址', link: '关联', user: '用户', autonumber: '自动编号', id: '编号',
  },
  error: {
    network: '无法连接服务器，请检查网络', forbidden: '您没有权限执行此操作', notFound: '页面不存在',
    notFoundTip: '您访问的页面不存在或已被移除。', unknown: '操作失败',
  },
};
