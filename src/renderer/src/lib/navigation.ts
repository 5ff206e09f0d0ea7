import { create } from 'zustand';

export const SECTIONS = ['compose', 'jobs', 'library', 'reels', 'downloads', 'settings', 'about'] as const;
export type Section = (typeof SECTIONS)[number];

interface NavigationState {
  section: Section;
  go: (section: Section) => void;
}

/** Which section the window shows; any feature may send the user elsewhere (e.g. an auth error → Settings). */
export const useNavigation = create<NavigationState>()((set) => ({
  section: 'compose',
  go: (section) => set({ section }),
}));
