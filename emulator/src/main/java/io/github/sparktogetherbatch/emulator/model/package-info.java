/** The deterministic built-in model and the completion bodies and result lines it answers. */
package io.github.sparktogetherbatch.emulator.model;
