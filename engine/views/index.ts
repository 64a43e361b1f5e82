// Users' saved views of lists and boards (private or shared with a team).
export { SavedViews, parseSavedView, type SavedView, type SavedViewInput, type SavedViewKind } from './saved-views.ts';
