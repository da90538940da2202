/** The shared Jackson objects. */
package io.github.sparktogetherbatch.emulator.json;
