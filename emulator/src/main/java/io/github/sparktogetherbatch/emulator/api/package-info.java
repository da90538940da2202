/** The API surface shared by routes and faults: route templates and error envelopes. */
package io.github.sparktogetherbatch.emulator.api;
