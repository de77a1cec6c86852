import { userInfo } from 'node:os';

/** The operator as the audit log names them: the command line has no signed-in user, so the system account's name. */
export const operatorName = (): string => {
  try {
    return `cli:${userInfo().username}`.slice(0, 64);
  } catch {
    return 'cli';
  }
};
