export { LibraryView, type LibraryViewProps } from './LibraryView';
export { libraryLocales, LIBRARY_NAMESPACE } from './locales';
