package org.easel.nodes.script;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;

/**
 * Where a script's {@code console.log} goes: whole lines to the Easel log, each prefixed with the script's
 * name, up to a byte budget per context so a chatty script cannot flood the log.
 */
final class ScriptLog extends OutputStream {
    private static final int BUDGET = 256 * 1024;
    private final PrintStream out;
    private final String prefix;
    private final StringBuilderOutput line = new StringBuilderOutput();
    private int written;
    private boolean truncated;

    ScriptLog(PrintStream out, String name) {
        this.out = out;
        this.prefix = "[" + name + "] ";
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            flushLine();
        } else if (line.size() < 4096) {
            line.write(b);
        }
    }

    @Override
    public synchronized void flush() {
        if (line.size() > 0) flushLine();
    }

    private void flushLine() {
        String s = line.text();
        line.reset();
        if (out == null || truncated) return;
        written += s.length() + 1;
        if (written > BUDGET) {
            truncated = true;
            out.println(prefix + "… (further output dropped)");
            return;
        }
        out.println(prefix + s);
    }

    private static final class StringBuilderOutput extends ByteArrayOutputStream {
        String text() { return toString(StandardCharsets.UTF_8); }
    }
}
