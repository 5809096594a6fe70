using System.Net;
using System.Net.Sockets;

namespace Softr.Functions.Testing;

/// <summary>Free loopback ports, and waiting until something listens on one.</summary>
public static class Ports
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until <paramref name="port"/> accepts a connection; <paramref name="failure"/> says why not, once it is no use waiting (the process died).</summary>
    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, Func<string?> failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (failure() is { } reason)
            {
                throw new InvalidOperationException(reason);
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException exception) when (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Nothing listened on port {port} within {timeout}.", exception);
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
    }
}
