package org.easel.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code easel} commands in-process in a temporary Easel home per test, capturing what they print. */
abstract class CliHarness extends CapturedConsole {
    @TempDir
    Path home;

    @Override
    Path home() { return home; }
}
