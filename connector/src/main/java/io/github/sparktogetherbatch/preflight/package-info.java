/**
 * The driver's preflight: one {@code GET /v1/models} before a write starts any task and before a
 * read's first poll, so that a refused API key, a {@code baseUrl} without {@code /v1}, an unknown
 * model or a model Together does not run in batch fail at once with a message that names the fix,
 * before anything is uploaded.
 */
package io.github.sparktogetherbatch.preflight;
