package io.github.sparktogetherbatch.emulator.model;

/**
 * A function call the model answers with when the request forces one.
 *
 * @param id the call's id, {@code call_} and 24 hex digits
 * @param name the function's name
 * @param arguments the arguments, a JSON object as a string (an instance of the function's {@code
 *     parameters} schema)
 */
public record ToolCall(String id, String name, String arguments) {}
