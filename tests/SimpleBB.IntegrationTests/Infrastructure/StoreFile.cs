using Microsoft.Data.Sqlite;

namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>Reads the server's results store (simplebb.db) as a test oracle, read-only, while the server may write it.</summary>
internal static class StoreFile
{
    /// <summary>Every recorded (build id, builder), in recording order; empty when the store does not exist yet.</summary>
    public static List<(string Id, string Builder)> Entries(string path)
    {
        var entries = new List<(string, string)>();
        if (!File.Exists(path))
        {
            return entries;
        }
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT build_id, builder FROM results ORDER BY seq";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            entries.Add((reader.GetString(0), reader.GetString(1)));
        }
        return entries;
    }

    /// <summary>The output tail recorded for (build id, builder), or null.</summary>
    public static string? Output(string path, string id, string builder)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT output FROM results WHERE build_id = $id AND builder = $builder";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$builder", builder);
        return command.ExecuteScalar() as string;
    }
}
