using Softr.Sandbox;

await SandboxApp.Build(args).RunAsync();
