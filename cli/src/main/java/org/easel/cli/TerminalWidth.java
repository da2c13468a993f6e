package org.easel.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import sun.misc.Signal;

/**
 * The terminal's width in columns, for the live line: {@code COLUMNS} when set, else asked of the terminal
 * with {@code stty size} in the background (at start and whenever the window is resized); 80 until known.
 */
final class TerminalWidth implements IntSupplier {
    private volatile int columns;
    private final boolean fixed;

    TerminalWidth() {
        int env = parse(System.getenv("COLUMNS"));
        fixed = env > 0;
        columns = fixed ? env : 80;
        if (!fixed) {
            refresh();
            try {
                Signal.handle(new Signal("WINCH"), s -> refresh());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // no resize signal here: the width read at start stays
            }
        }
    }

    @Override
    public int getAsInt() { return columns; }

    private void refresh() {
        Thread t = new Thread(() -> {
            int c = ask();
            if (c > 0) columns = c;
        }, "easel-terminal-width");
        t.setDaemon(true);
        t.start();
    }

    private static int ask() {
        if (!new File("/dev/tty").canRead()) return 0;
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(2, TimeUnit.SECONDS)) p.destroy();
            String[] parts = s.split("\\s+");
            return parts.length == 2 ? parse(parts[1]) : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static int parse(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
