package dev.warren.testing.example;

/** An invoice to bill. */
public record Invoice(String id, long cents) {
}
