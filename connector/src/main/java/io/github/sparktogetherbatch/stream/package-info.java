/**
 * The streaming sink: {@code writeStream().format("together-batch")}. Each micro-batch is a write
 * of the {@code write} package committed as an epoch of the query; the job manifest records the
 * last epoch per query, so a replayed epoch creates nothing.
 */
package io.github.sparktogetherbatch.stream;
