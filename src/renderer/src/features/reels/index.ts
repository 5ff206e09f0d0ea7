export { ReelsView, type ReelsViewProps } from './ReelsView';
export { followReels, useReels } from './store';
export { reelsLocales } from './locales';
