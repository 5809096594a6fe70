using Softr.Functions.LocalHost;

await LocalHostApp.Build(args).RunAsync();
