// The search box's state outlives the search screen, so going back from a chart shows
// the same query and results the receptionist left.
export const searchState = $state({ query: '', includeArchived: false });
