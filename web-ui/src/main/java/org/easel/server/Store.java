package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.easel.engine.Json;

/**
 * The durable queue and history: one SQLite file in WAL mode. A prompt is committed before
 * {@code POST /prompt} answers; its row moves to history (as ComfyUI's HistoryEntry JSON, plus timings)
 * in the same transaction that removes it from the queue. Writes are group-committed: concurrent
 * submissions (and the worker's start and end marks) wait for one transaction that holds them all, so the
 * commit cost is shared under load. Blocking: never call on the event loop.
 */
final class Store implements AutoCloseable {
    private static final int MAX_GROUP = 512;
    private static final long CHECKPOINT_MILLIS = 200;
    private static final long WAL_LIMIT = 64L << 20;
    private static final long WAL_HARD_LIMIT = 1L << 30;

    private final Connection db;
    private final LinkedBlockingQueue<Write> writes = new LinkedBlockingQueue<>();
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Thread committer;
    /** A second connection, used only to checkpoint the WAL in the background. */
    private final Connection checkpointDb;
    private final Thread checkpointer;
    private final Path wal;
    private int historyCount;
    private volatile boolean closed;

    /** Rows found in the queue table at start-up; {@code unreadable} maps prompt id → why it could not be read. */
    record Recovered(List<QueueItem> running, List<QueueItem> pending, Map<String, String> unreadable) {}

    /** One write waiting for its group's commit. */
    private record Write(Work<?> work, CompletableFuture<Void> done) {}

    @FunctionalInterface
    interface Work<T> {
        T run(Connection db) throws SQLException;
    }

    Store(Path file) throws SQLException {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new SQLException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
        }
        db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = db.createStatement()) {
            // small pages (for a new file): a commit writes each page it touches whole into the WAL, and a
            // queued prompt touches a few; 1 KB pages write a quarter of the bytes of the default 4 KB
            s.execute("PRAGMA page_size=1024");
            s.execute("PRAGMA journal_mode=WAL");
            // WAL + NORMAL: a commit is in the WAL before it returns, so it survives the process being killed;
            // only an OS crash or power loss can lose the last commits (FULL costs an fsync, ~10 ms, per commit).
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA busy_timeout=5000");
            // checkpoints (copying the WAL into the database, with an fsync) would otherwise run inside whichever
            // commit crosses 1,000 pages, stalling that group's answers by tens of ms; a thread of its own does them
            s.execute("PRAGMA wal_autocheckpoint=0");
            s.execute("PRAGMA journal_size_limit=" + WAL_LIMIT);
            s.execute("""
                    CREATE TABLE IF NOT EXISTS queue (
                      prompt_id TEXT PRIMARY KEY,
                      seq INTEGER NOT NULL,
                      number TEXT NOT NULL,
                      prompt TEXT NOT NULL,
                      extra_data TEXT NOT NULL,
                      outputs TEXT NOT NULL,
                      state TEXT NOT NULL DEFAULT 'pending',
                      created_at INTEGER NOT NULL,
                      started_at INTEGER)""");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS history (
                      seq INTEGER PRIMARY KEY AUTOINCREMENT,
                      prompt_id TEXT NOT NULL UNIQUE,
                      status TEXT NOT NULL,
                      created_at INTEGER,
                      started_at INTEGER,
                      finished_at INTEGER,
                      entry TEXT NOT NULL)""");
        }
        historyCount = countHistory();
        committer = new Thread(this::commitLoop, "easel-store-commit");
        committer.setDaemon(true);
        committer.start();
        wal = file.toAbsolutePath().resolveSibling(file.getFileName() + "-wal");
        checkpointDb = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = checkpointDb.createStatement()) {
            s.execute("PRAGMA busy_timeout=5000");
            s.execute("PRAGMA synchronous=NORMAL");
        }
        checkpointer = new Thread(this::checkpointLoop, "easel-store-checkpoint");
        checkpointer.setDaemon(true);
        checkpointer.start();
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    synchronized <T> T tx(Work<T> work) throws SQLException {
        db.setAutoCommit(false);
        try {
            T r = work.run(db);
            db.commit();
            return r;
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** A prepared statement kept for the life of the store; call with the store's lock held. */
    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement p = statements.get(sql);
        if (p == null) {
            p = db.prepareStatement(sql);
            statements.put(sql, p);
        }
        return p;
    }

    /** Runs {@code work} outside a transaction (single statements, reads). */
    synchronized <T> T read(Work<T> work) throws SQLException {
        return work.run(db);
    }

    // ---- the queue --------------------------------------------------------------------------------

    /**
     * Inserts a pending prompt; the future completes (on the committing thread) once the row is committed
     * with whatever else was written meanwhile, or fails with the {@link SQLException}.
     */
    CompletableFuture<Void> insertPending(QueueItem it) {
        String number = Json.write(it.number), prompt = it.promptText, extra = it.extraText;
        String outputs = Json.write(it.outputs);
        return submit(db -> {
            PreparedStatement p = statement(
                    "INSERT INTO queue(prompt_id, seq, number, prompt, extra_data, outputs, state, created_at) VALUES (?,?,?,?,?,?,'pending',?)");
            p.setString(1, it.promptId);
            p.setLong(2, it.seq);
            p.setString(3, number);
            p.setString(4, prompt);
            p.setString(5, extra);
            p.setString(6, outputs);
            p.setLong(7, it.createdAt);
            p.executeUpdate();
            return null;
        });
    }

    /** Queues {@code work} for the next group commit: the future completes when that commit is done. */
    private CompletableFuture<Void> submit(Work<?> work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new SQLException("the store is closed"));
        } else {
            writes.add(new Write(work, done));
        }
        return done;
    }

    /** Queues {@code work} for the next group commit and waits until that commit is done. */
    private void write(Work<?> work) throws SQLException {
        try {
            submit(work).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SQLException s ? s : new SQLException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while committing");
        }
    }

    private void commitLoop() {
        List<Write> group = new ArrayList<>();
        while (true) {
            try {
                group.add(writes.take());
            } catch (InterruptedException e) {
                break;
            }
            writes.drainTo(group, MAX_GROUP - 1);
            try {
                tx(db -> {
                    for (Write w : group) w.work.run(db);
                    return null;
                });
                group.forEach(w -> w.done.complete(null));
            } catch (Throwable e) {
                for (Write w : group) {          // find the write at fault: each on its own
                    try {
                        tx(w.work);
                        w.done.complete(null);
                    } catch (Throwable e1) {
                        w.done.completeExceptionally(e1);
                    }
                }
                recount();
            }
            group.clear();
        }
        for (Write w; (w = writes.poll()) != null; ) w.done.completeExceptionally(new SQLException("the store is closed"));
    }

    /**
     * Every {@value #CHECKPOINT_MILLIS} ms, a passive checkpoint: it copies what readers no longer need from the
     * WAL into the database without blocking writers, and the next commit after a complete one starts the WAL
     * over (trimmed to the size limit).
     */
    private void checkpointLoop() {
        while (!closed) {
            try {
                Thread.sleep(CHECKPOINT_MILLIS);
            } catch (InterruptedException e) {
                break;
            }
            try (Statement s = checkpointDb.createStatement()) {
                int behind;
                try (ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                    behind = r.next() ? r.getInt(2) - r.getInt(3) : Integer.MAX_VALUE;
                }
                // a passive checkpoint that caught up lets the next commit start the WAL over (the file is cut back
                // to the size limit); under a sustained overload it may never catch up, so past a hard limit one that
                // holds the writer back until everything is copied (tens of ms, so only then)
                if (behind > 0 && Files.size(wal) > WAL_HARD_LIMIT) s.execute("PRAGMA wal_checkpoint(RESTART)");
            } catch (SQLException | IOException e) {
                // busy or closing: the next round tries again
            }
        }
    }

    /**
     * Marks a prompt running without waiting for the commit: it goes out with the next group (before the
     * prompt's completion, which is written after it). Should the process die before that commit, the prompt
     * is still pending at start-up and runs again, which is what a prompt that had not started gets.
     */
    void markRunning(String promptId, long startedAt) {
        submit(db -> {
            PreparedStatement p = statement("UPDATE queue SET state='running', started_at=? WHERE prompt_id=?");
            p.setLong(1, startedAt);
            p.setString(2, promptId);
            p.executeUpdate();
            return null;
        });
    }

    void deleteQueued(Collection<String> ids) throws SQLException {
        if (ids.isEmpty()) return;
        tx(db -> {
            try (PreparedStatement p = db.prepareStatement("DELETE FROM queue WHERE prompt_id=? AND state='pending'")) {
                for (String id : ids) {
                    p.setString(1, id);
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        });
    }

    /** Moves a prompt from the queue to history and trims history to {@code maxHistory} entries. */
    void complete(String promptId, String status, long createdAt, long startedAt, long finishedAt,
                  String entryJson, int maxHistory) throws SQLException {
        write(db -> {
            PreparedStatement del = statement("DELETE FROM queue WHERE prompt_id=?");
            del.setString(1, promptId);
            del.executeUpdate();
            PreparedStatement old = statement("DELETE FROM history WHERE prompt_id=?");
            old.setString(1, promptId);
            historyCount -= old.executeUpdate();
            PreparedStatement ins = statement(
                    "INSERT INTO history(prompt_id, status, created_at, started_at, finished_at, entry) VALUES (?,?,?,?,?,?)");
            ins.setString(1, promptId);
            ins.setString(2, status);
            ins.setLong(3, createdAt);
            ins.setLong(4, startedAt);
            ins.setLong(5, finishedAt);
            ins.setString(6, entryJson);
            historyCount += ins.executeUpdate();
            if (historyCount > maxHistory) {
                PreparedStatement trim = statement("DELETE FROM history WHERE seq IN (SELECT seq FROM history ORDER BY seq LIMIT ?)");
                trim.setInt(1, historyCount - maxHistory);
                historyCount -= trim.executeUpdate();
            }
            return null;
        });
    }

    Recovered recover() throws SQLException {
        return read(db -> {
            List<QueueItem> running = new ArrayList<>(), pending = new ArrayList<>();
            Map<String, String> unreadable = new LinkedHashMap<>();
            try (Statement s = db.createStatement();
                 ResultSet r = s.executeQuery("SELECT prompt_id, seq, number, prompt, extra_data, outputs, state, created_at FROM queue ORDER BY seq")) {
                while (r.next()) {
                    QueueItem it;
                    try {
                        JsonNode number = Json.parse(r.getString(3));
                        String prompt = r.getString(4), extra = r.getString(5);
                        if (!(Json.parse(prompt) instanceof ObjectNode p) || !(Json.parse(extra) instanceof ObjectNode)) {
                            throw new IllegalStateException("the prompt or its extra_data is not a JSON object");
                        }
                        List<String> outs = new ArrayList<>();
                        for (JsonNode o : (ArrayNode) Json.parse(r.getString(6))) outs.add(o.asText());
                        it = new QueueItem(r.getString(1), r.getLong(2), number, prompt, extra, outs, r.getLong(8), null, p.size());
                    } catch (Exception e) {
                        unreadable.put(r.getString(1), e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + Replies.firstLine(e.getMessage())));
                        continue;
                    }
                    ("running".equals(r.getString(7)) ? running : pending).add(it);
                }
            }
            return new Recovered(running, pending, unreadable);
        });
    }

    long maxSeq() throws SQLException {
        return read(db -> {
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM queue")) {
                return r.next() ? r.getLong(1) : 0L;
            }
        });
    }

    private int countHistory() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM history")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    /** After a rolled-back write: the history count from the table again. */
    private synchronized void recount() {
        try {
            historyCount = countHistory();
        } catch (SQLException ignored) {
            // keeps the last count; trimming catches up on the next completion
        }
    }

    synchronized int historySize() {
        return historyCount;
    }

    /** History entries (prompt id → entry JSON), oldest first, skipping {@code offset}, at most {@code limit} (-1 = all). */
    Map<String, String> history(long offset, long limit) throws SQLException {
        return read(db -> {
            Map<String, String> m = new LinkedHashMap<>();
            try (PreparedStatement p = db.prepareStatement("SELECT prompt_id, entry FROM history ORDER BY seq LIMIT ? OFFSET ?")) {
                p.setLong(1, limit);
                p.setLong(2, Math.max(0, offset));
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) m.put(r.getString(1), r.getString(2));
                }
            }
            return m;
        });
    }

    String historyEntry(String promptId) throws SQLException {
        return read(db -> {
            try (PreparedStatement p = db.prepareStatement("SELECT entry FROM history WHERE prompt_id=?")) {
                p.setString(1, promptId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
    }

    boolean known(String promptId) throws SQLException {
        return read(db -> {
            try (PreparedStatement p = db.prepareStatement(
                    "SELECT 1 FROM queue WHERE prompt_id=? UNION ALL SELECT 1 FROM history WHERE prompt_id=?")) {
                p.setString(1, promptId);
                p.setString(2, promptId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    void deleteHistory(Collection<String> ids) throws SQLException {
        if (ids.isEmpty()) return;
        tx(db -> {
            try (PreparedStatement p = db.prepareStatement("DELETE FROM history WHERE prompt_id=?")) {
                for (String id : ids) {
                    p.setString(1, id);
                    p.addBatch();
                }
                p.executeBatch();
            }
            historyCount = countHistory();
            return null;
        });
    }

    void clearHistory() throws SQLException {
        read(db -> {
            try (Statement s = db.createStatement()) {
                s.execute("DELETE FROM history");
            }
            historyCount = 0;
            return null;
        });
    }

    @Override
    public void close() {
        closed = true;
        committer.interrupt();
        checkpointer.interrupt();
        try {
            committer.join(5000);
            checkpointer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            checkpointDb.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
        synchronized (this) {
            try {
                for (PreparedStatement p : statements.values()) p.close();
                db.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
