import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '@shared/errors';
import { REEL_PROBLEM_CODES } from '@shared/reels';
import { describeError } from '../../lib/errors';

/** A problem main found with one shot: its 0-based position and main's own words (which name the shot). */
export interface ShotProblem {
  position: number;
  code: string;
  message: string;
}

const SHOT_PATH = /^shots\.(\d+)/;

/** The shots an export refusal is about (issues with a reel problem code and a `shots.<n>` path). */
export function shotProblems(error: ErrorInfo | null | undefined): ShotProblem[] {
  const problems: ShotProblem[] = [];
  for (const issue of error?.issues ?? []) {
    const match = SHOT_PATH.exec(issue.path);
    if (!match || !(REEL_PROBLEM_CODES as readonly string[]).includes(issue.code ?? '')) continue;
    problems.push({ position: Number(match[1]), code: issue.code ?? '', message: issue.message });
  }
  return problems;
}

function isReelProblem(error: ErrorInfo): boolean {
  return (error.issues ?? []).some((issue) => (REEL_PROBLEM_CODES as readonly string[]).includes(issue.code ?? ''));
}

/** Main's error in the user's words: the general kinds as the jobs view words them, reel problems as main said them. */
export function useErrorText(): (error: ErrorInfo) => string {
  const { t } = useTranslation('jobs');
  return (error) => (isReelProblem(error) ? error.message : describeError(error, t).text);
}
