"""Video meetings inside a TwinSpace: WebRTC between browsers, signalled over Socket.IO."""
