package dev.warren.chaos;

/** The message every chaos test sends: a sequence number that identifies it across redeliveries. */
record Reading(int id) {
}
