/**
 * The interface's strings, Chinese first with an English switch. The choice is kept in
 * localStorage; labels the API answers whole ({ zh, en }) are shown in both languages.
 */
import { ref } from 'vue';

export type Language = 'zh' | 'en';
export interface Label {
  zh: string;
  en: string;
}

const STORAGE_KEY = 'lixiang.language';

function stored(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export const language = ref<Language>(stored());

export function setLanguage(next: Language): void {
  language.value = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private windows may refuse storage: the choice then lasts for this page only.
  }
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

const STRINGS = {
  appName: { zh: '立项', en: 'Project approval' },
  appTitle: { zh: '党建项目立项管理', en: 'Party-building project approval' },
  username: { zh: '用户名', en: 'Username' },
  password: { zh: '密码', en: 'Password' },
  login: { zh: '登录', en: 'Log in' },
  logout: { zh: '退出登录', en: 'Log out' },
  required: { zh: '请填写此项', en: 'Required' },
  switchLanguage: { zh: 'English', en: '中文' },
  changePassword: { zh: '修改密码', en: 'Change password' },
  mustChangePassword: { zh: '首次登录须修改初始密码。', en: 'Change your initial password before going on.' },
  currentPassword: { zh: '当前密码', en: 'Current password' },
  newPassword: { zh: '新密码', en: 'New password' },
  repeatPassword: { zh: '再次输入新密码', en: 'New password again' },
  passwordsDiffer: { zh: '两次输入的新密码不一致', en: 'The two new passwords differ' },
  passwordChanged: { zh: '密码已修改', en: 'Password changed' },
  save: { zh: '保存', en: 'Save' },
  cancel: { zh: '取消', en: 'Cancel' },
  confirm: { zh: '确定', en: 'Confirm' },
  projects: { zh: '项目', en: 'Projects' },
  menu: { zh: '导航', en: 'Menu' },
  title: { zh: '项目名称', en: 'Title' },
  unit: { zh: '申报单位', en: 'Unit' },
  round: { zh: '批次', en: 'Round' },
  state: { zh: '状态', en: 'State' },
  updatedAt: { zh: '更新时间', en: 'Updated' },
  more: { zh: '加载更多', en: 'Load more' },
  noProjects: { zh: '暂无项目', en: 'No projects' },
  back: { zh: '返回列表', en: 'Back to the list' },
  letter: { zh: '申请立项目标责任书', en: 'Target responsibility letter' },
  rationale: { zh: '立项起因', en: 'Rationale' },
  activities: { zh: '内容与载体', en: 'Content and carriers' },
  expectedOutcomes: { zh: '成果预期', en: 'Expected outcomes' },
  leader: { zh: '项目负责人', en: 'Leader' },
  members: { zh: '参与成员', en: 'Members' },
  contact: { zh: '联系方式', en: 'Contact' },
  actions: { zh: '可进行的操作', en: 'What you can do now' },
  noActions: { zh: '当前没有可进行的操作', en: 'Nothing to do here now' },
  done: { zh: '已完成', en: 'Done' },
  loading: { zh: '加载中…', en: 'Loading…' },
  notLoggedIn: { zh: '请先登录', en: 'Please log in' },
  failed: { zh: '操作未成功', en: 'Not done' },
  colon: { zh: '：', en: ': ' },
} satisfies Record<string, Label>;

export type StringKey = keyof typeof STRINGS;

/** The interface string in the chosen language. */
export function t(key: StringKey): string {
  return STRINGS[key][language.value];
}

/** A moment as people here read it: China's time zone, in the chosen language's form. */
export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString(language.value === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' });
}

/** A label the API answers, both languages: 中文 · English. */
export function both(label: Label | undefined | null, fallback = ''): string {
  if (!label) return fallback;
  return label.zh === label.en ? label.zh : `${label.zh} · ${label.en}`;
}
