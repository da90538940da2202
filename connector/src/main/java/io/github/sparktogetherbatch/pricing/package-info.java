/**
 * Batch prices: from the option {@code pricing}, else {@code GET /v1/models} times the dated batch
 * discount ({@code BatchDiscounts}); used for the read's {@code cost_usd} ({@code BatchPrices}) and
 * for estimates before a write ({@code CostEstimate}). An unknown price gives null, never a guess.
 */
package io.github.sparktogetherbatch.pricing;
