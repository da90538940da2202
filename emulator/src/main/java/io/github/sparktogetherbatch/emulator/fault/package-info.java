/** Faults armed on demand (statuses, resets, short reads, delays) and their injection. */
package io.github.sparktogetherbatch.emulator.fault;
