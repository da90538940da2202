/** Request dispatch, the API key check, and one routes class per resource. */
package io.github.sparktogetherbatch.emulator.routes;
