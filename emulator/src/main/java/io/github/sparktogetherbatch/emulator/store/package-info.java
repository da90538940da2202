/** Files on disk, their records, and the signed upload URLs. */
package io.github.sparktogetherbatch.emulator.store;
