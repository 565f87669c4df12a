return await SimpleBB.Hosting.Cli.RunAsync(SimpleBB.Server.ServerCommand.Create(new SimpleBB.Web.WebDashboard()), args);
