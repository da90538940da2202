/** A small HTTP/1.1 server: connections, request parsing, streaming bodies, responses. */
package io.github.sparktogetherbatch.emulator.http;
