// Package related decides which external items are about an article's
// story. It builds one TF-IDF index over every candidate item of a cycle
// and scores each article against it with a cosine similarity, so a score
// means the same for short and long articles.
//
// The scale runs from 0 (nothing in common) to 1 (same words, same
// weights). Items about the same story typically score 0.15–0.6, items on
// the same broad topic 0.05–0.2, unrelated ones below 0.05. On top of the
// score an item must share at least two distinct informative terms with
// the article (or one multi-word name and one other term): a single common
// word such as "bank" or "platform" never makes an item related.
//
// Text handling: Unicode words, case and accents folded, HTML stripped,
// English stop words dropped, Snowball stemming (English; Russian for
// Cyrillic words), and runs of capitalized words kept whole as names
// ("Gleb Kostarev", "World Bank") with extra weight.
package related
