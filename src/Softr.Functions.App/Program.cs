using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Softr.Functions;
using Softr.Functions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Configuration.AddHooksFile(AppContext.BaseDirectory);
builder.Services.AddSoftrFunctionsCore();
builder.Build().Run();
