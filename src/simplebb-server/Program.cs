return await SimpleBB.Hosting.Cli.RunAsync(SimpleBB.Server.ServerCommand.Create(), args);
