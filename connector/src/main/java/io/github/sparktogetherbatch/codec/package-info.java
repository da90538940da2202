/**
 * What goes on the wire and comes back, without Spark's planning or Together's HTTP: a row becomes
 * one JSONL request line, and a result line becomes one row.
 *
 * <p>Requests: {@link io.github.sparktogetherbatch.codec.InputMapping} is resolved once on the
 * driver against the DataFrame's schema (every ordinal included); each task builds a {@link
 * io.github.sparktogetherbatch.codec.RequestEncoder} from it, which frames {@code {"custom_id",
 * "body"}} around the body written by the one body encoder of the mapping's input kind (prompt,
 * messages, JSON body, struct body). {@code CustomIds} gives the custom_id's JSON literal, its
 * 64-bit hash and the derived id; {@link io.github.sparktogetherbatch.codec.RequestIds} reads the
 * ids back out of request lines.
 *
 * <p>Results: {@link io.github.sparktogetherbatch.codec.ResultLines} splits a result file into
 * lines, {@link io.github.sparktogetherbatch.codec.ResultDecoder} decodes each into a {@link
 * io.github.sparktogetherbatch.codec.DecodedResult}, and {@link
 * io.github.sparktogetherbatch.codec.ResultRowBuilder} builds the row for the columns of {@link
 * io.github.sparktogetherbatch.codec.ResultSchema} a query reads.
 *
 * <p>Structured output: {@link io.github.sparktogetherbatch.codec.JsonSchemaMapping} turns the
 * option {@code responseSchema} (a Spark struct) into the JSON Schema of every request's {@code
 * response_format}, refusing types without one; {@link
 * io.github.sparktogetherbatch.codec.ParsedContent} decodes an answer's content into the column
 * {@code parsed} with {@code JsonRowDecoder} (Spark's JSON rules per type, {@code JsonDates} for
 * dates and timestamps), or turns the result into a failure that names the field.
 */
package io.github.sparktogetherbatch.codec;
