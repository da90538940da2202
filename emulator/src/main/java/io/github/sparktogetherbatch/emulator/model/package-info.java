/**
 * The deterministic built-in model, the completion bodies and result lines it answers, the JSON
 * Schema instances of structured answers, and the catalog of models {@code GET /v1/models} lists.
 */
package io.github.sparktogetherbatch.emulator.model;
