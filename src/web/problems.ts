/** A refusal shown to a person: the problem's title and what it says to do, never the raw document. */
import { ElMessage } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import { ProblemError, asProblem, type Problem } from './api/client';
import { t } from './i18n';

export function problemText(problem: Problem): string {
  const title = problem.title ?? '';
  const detail = problem.detail ?? '';
  return detail && detail !== title ? `${title}${t('colon')}${detail}` : title || detail;
}

export function showProblem(error: unknown): void {
  const problem = error instanceof ProblemError ? error.problem : asProblem(error);
  ElMessage({ type: 'error', message: problemText(problem), duration: 8000, showClose: true, grouping: true });
}

export function showSuccess(message: string): void {
  ElMessage({ type: 'success', message, duration: 3000 });
}
