/** Batches: records, input validation, and the engine that runs them through their lifecycle. */
package io.github.sparktogetherbatch.emulator.batch;
