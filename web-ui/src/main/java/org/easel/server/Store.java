package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easel.engine.Json;

/**
 * The durable queue and history: one SQLite file in WAL mode. A prompt is committed before
 * {@code POST /prompt} answers; its row moves to history (as ComfyUI's HistoryEntry JSON, plus timings)
 * in the same transaction that removes it from the queue. Blocking: never call on the event loop.
 */
final class Store implements AutoCloseable {
    private final Connection db;

    /** Rows found in the queue table at start-up. */
    record Recovered(List<QueueItem> running, List<QueueItem> pending) {}

    Store(Path file) throws SQLException {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
        }
        db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            // WAL + NORMAL: a commit is in the WAL before it returns, so it survives the process being killed;
            // only an OS crash or power loss can lose the last commits (FULL costs an fsync, ~10 ms, per commit).
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA busy_timeout=5000");
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
    }

    synchronized void insertPending(QueueItem it) throws SQLException {
        try (PreparedStatement p = db.prepareStatement(
                "INSERT INTO queue(prompt_id, seq, number, prompt, extra_data, outputs, state, created_at) VALUES (?,?,?,?,?,?,'pending',?)")) {
            p.setString(1, it.promptId);
            p.setLong(2, it.seq);
            p.setString(3, Json.write(it.number));
            p.setString(4, Json.write(it.prompt));
            p.setString(5, Json.write(it.extraData));
            p.setString(6, Json.write(it.outputs));
            p.setLong(7, it.createdAt);
            p.executeUpdate();
        }
    }

    synchronized void markRunning(String promptId, long startedAt) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("UPDATE queue SET state='running', started_at=? WHERE prompt_id=?")) {
            p.setLong(1, startedAt);
            p.setString(2, promptId);
            p.executeUpdate();
        }
    }

    synchronized void deleteQueued(Collection<String> ids) throws SQLException {
        if (ids.isEmpty()) return;
        db.setAutoCommit(false);
        try (PreparedStatement p = db.prepareStatement("DELETE FROM queue WHERE prompt_id=? AND state='pending'")) {
            for (String id : ids) {
                p.setString(1, id);
                p.addBatch();
            }
            p.executeBatch();
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** Moves a prompt from the queue to history and trims history to {@code maxHistory} entries. */
    synchronized void complete(String promptId, String status, long createdAt, long startedAt, long finishedAt,
                               String entryJson, int maxHistory) throws SQLException {
        db.setAutoCommit(false);
        try {
            try (PreparedStatement p = db.prepareStatement("DELETE FROM queue WHERE prompt_id=?")) {
                p.setString(1, promptId);
                p.executeUpdate();
            }
            try (PreparedStatement p = db.prepareStatement(
                    "INSERT OR REPLACE INTO history(prompt_id, status, created_at, started_at, finished_at, entry) VALUES (?,?,?,?,?,?)")) {
                p.setString(1, promptId);
                p.setString(2, status);
                p.setLong(3, createdAt);
                p.setLong(4, startedAt);
                p.setLong(5, finishedAt);
                p.setString(6, entryJson);
                p.executeUpdate();
            }
            try (PreparedStatement p = db.prepareStatement(
                    "DELETE FROM history WHERE seq IN (SELECT seq FROM history ORDER BY seq DESC LIMIT -1 OFFSET ?)")) {
                p.setInt(1, maxHistory);
                p.executeUpdate();
            }
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    synchronized Recovered recover() throws SQLException {
        List<QueueItem> running = new ArrayList<>(), pending = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT prompt_id, seq, number, prompt, extra_data, outputs, state, created_at FROM queue ORDER BY seq")) {
            while (r.next()) {
                QueueItem it;
                try {
                    JsonNode number = Json.parse(r.getString(3));
                    ObjectNode prompt = (ObjectNode) Json.parse(r.getString(4));
                    ObjectNode extra = (ObjectNode) Json.parse(r.getString(5));
                    List<String> outs = new ArrayList<>();
                    for (JsonNode o : (ArrayNode) Json.parse(r.getString(6))) outs.add(o.asText());
                    it = new QueueItem(r.getString(1), r.getLong(2), number, prompt, extra, outs, r.getLong(8), null);
                } catch (Exception e) {
                    continue;   // unreadable row: dropped below with the rest of the queue's leftovers
                }
                ("running".equals(r.getString(7)) ? running : pending).add(it);
            }
        }
        return new Recovered(running, pending);
    }

    synchronized long maxSeq() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM queue")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    synchronized int historySize() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM history")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    /** History entries (prompt id → entry JSON), oldest first, skipping {@code offset}, at most {@code limit} (-1 = all). */
    synchronized Map<String, String> history(long offset, long limit) throws SQLException {
        Map<String, String> m = new LinkedHashMap<>();
        try (PreparedStatement p = db.prepareStatement("SELECT prompt_id, entry FROM history ORDER BY seq LIMIT ? OFFSET ?")) {
            p.setLong(1, limit);
            p.setLong(2, Math.max(0, offset));
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) m.put(r.getString(1), r.getString(2));
            }
        }
        return m;
    }

    synchronized String historyEntry(String promptId) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("SELECT entry FROM history WHERE prompt_id=?")) {
            p.setString(1, promptId);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    synchronized boolean known(String promptId) throws SQLException {
        try (PreparedStatement p = db.prepareStatement(
                "SELECT 1 FROM queue WHERE prompt_id=? UNION ALL SELECT 1 FROM history WHERE prompt_id=?")) {
            p.setString(1, promptId);
            p.setString(2, promptId);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    synchronized void deleteHistory(Collection<String> ids) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM history WHERE prompt_id=?")) {
            for (String id : ids) {
                p.setString(1, id);
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    synchronized void clearHistory() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("DELETE FROM history");
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
