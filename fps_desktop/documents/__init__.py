"""GUIDs, document sources, the content-addressed cache, merging and print layout. No Qt."""
