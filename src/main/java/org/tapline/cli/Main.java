package org.tapline.cli;

/** Entry point of {@code bin/tapline}; wires picocli subcommands. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("tapline");
    }
}
