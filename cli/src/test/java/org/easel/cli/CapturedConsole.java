package org.easel.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Tests that run the command line in this JVM with a given home, capturing what it prints. */
abstract class CapturedConsole {
    private PrintStream origOut;
    private PrintStream origErr;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** The Easel home of the test. */
    abstract Path home();

    /** Whether each {@link #run} forgets what earlier runs printed. */
    boolean freshOutputPerRun() { return false; }

    @BeforeEach
    void capture() {
        origOut = System.out;
        origErr = System.err;
        System.setProperty("easel.home", home().toString());
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(origOut);
        System.setErr(origErr);
        System.clearProperty("easel.home");
    }

    int run(String... args) {
        if (freshOutputPerRun()) reset();
        return Main.execute(args);
    }

    /** Forgets what was printed so far. */
    void reset() {
        out.reset();
        err.reset();
    }

    String out() { return out.toString(StandardCharsets.UTF_8); }
    String err() { return err.toString(StandardCharsets.UTF_8); }
}
